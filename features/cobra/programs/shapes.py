import json


def twice(n):
    return n * 2


class Box:
    size = 3


def gen():
    yield 7


squares = [i * i for i in range(2)]
total = twice(Box.size) + next(gen()) + len(json.dumps(squares))
print(total)
