# A directory whose name ends in .py: not a program.
print("inside a directory")
