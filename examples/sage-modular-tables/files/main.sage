# Addition, multiplication and power tables of the integers mod n, drawn as coloured grids.
# Units, zero divisors and primitive roots show up as patterns.

@interact
def tables(n=slider(2, 30, 1, default=12, label='modulus $n$'),
           operation=selector(['a + b', 'a * b', 'a ^ b'], default='a * b', buttons=True,
                              label='table of'),
           numbers=checkbox(True, label=r'write the entries ($n \le 16$)')):
    n = Integer(n)
    R = Zmod(n)
    if operation == 'a + b':
        table = matrix(ZZ, n, n, lambda a, b: R(a) + R(b))
    elif operation == 'a * b':
        table = matrix(ZZ, n, n, lambda a, b: R(a) * R(b))
    else:  # powers a^b for b = 1, ..., n: rows of units cycle, rows of nilpotents hit 0
        table = matrix(ZZ, n, n, lambda a, b: R(a)^(b + 1))
    picture = matrix_plot(table, cmap='Spectral')
    if numbers and n <= 16:
        picture += sum(text(table[i, j], (j, i), color='black', fontsize=8)
                       for i in range(n) for j in range(n))
    show(picture, figsize=5, axes=False, frame=True)

    units = [a for a in R if a.is_unit()]
    print(f"units of Z/{n}: {len(units)} = phi({n}):", units)
    zero_divisors = [a for a in R if a != 0 and not a.is_unit()]
    print("zero divisors:", zero_divisors if zero_divisors else f"none, Z/{n} is a field")
    if R.multiplicative_group_is_cyclic():
        g = R(primitive_root(n))
        print(f"primitive root {g}: its powers", [g^k for k in [1..euler_phi(n)]], "are all the units")
    else:
        print(f"no primitive root: the units of Z/{n} do not form a cyclic group")
