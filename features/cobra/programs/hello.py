import sys
print("hello")
print("oops", file=sys.stderr)
done = True
