# Linear algebra over the rationals QQ: every step exact, no rounding anywhere.

# 1. A system with infinitely many solutions: the third equation is the sum of the first two.
A = matrix(QQ, [[1, 2, -1,  1],
                [2, 4,  1, -4],
                [3, 6,  0, -3]])
b = vector(QQ, [2, 1, 3])
print("Reduced row echelon form of the augmented matrix [A | b]:")
show(A.augment(b, subdivide=True).rref())
particular = A.solve_right(b)
kernel = A.right_kernel()
print("rank", A.rank(), "- one solution:", particular)
print("every solution is that one plus a combination of", kernel.basis())
assert all(A * (particular + v) == b for v in kernel.basis())

# 2. Eigenvalues of a symmetric matrix, found exactly and used to diagonalise it.
B = matrix(QQ, [[2, 1, 0],
                [1, 3, 1],
                [0, 1, 2]])
pretty_print(LatexExpr(r"\chi_B(t) = "), B.charpoly('t').factor())
D, P = B.eigenmatrix_right()  # B P = P D, eigenvectors in the columns of P
pretty_print(LatexExpr("P^{-1} B P = "), P.inverse() * B * P)

# 3. The Hilbert matrix H_ij = 1/(i + j - 1): floating point struggles, QQ does not.
n = 8
H = matrix(QQ, n, n, lambda i, j: 1 / (i + j + 1))
H_inverse = H.inverse()
print(f"The inverse of the {n}x{n} Hilbert matrix has integer entries, up to", max(H_inverse.list()))
print("top-left corner of H^-1:")
show(H_inverse[:3, :3])
floating = H.change_ring(RDF).inverse()
worst = max(abs(e) for e in (floating - H_inverse.change_ring(RDF)).list())
print(f"in floating point (RDF) the worst entry of H^-1 is off by {worst:.3g}")
