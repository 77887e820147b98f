# Outside the root: the jail must never start it.
print("escaped")
