ROWS = 16

row = [1]
for n in range(ROWS):
    line = " ".join("#" if c % 2 else "." for c in row)
    print(" " * (ROWS - n) + line)
    row = [1] + [a + b for a, b in zip(row, row[1:])] + [1]
