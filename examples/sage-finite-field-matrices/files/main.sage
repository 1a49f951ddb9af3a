# The same matrix over different prime fields GF(p): invertible for most p, singular when
# p divides its determinant. Edit the entries, pick p.

@interact
def over_gf(p=selector([2, 3, 5, 7, 11, 13], default=7, buttons=True, label=r'field $\mathbb{F}_p$, $p =$'),
            entries=input_grid(3, 3, default=[[1, 2, 3], [4, 5, 6], [7, 8, 10]], label='$A =$')):
    F = GF(Integer(p))
    A = matrix(F, entries)
    print(f"over QQ, det A = {matrix(QQ, entries).det()};  over GF({p}), det A = {A.det()}")
    if A.is_invertible():
        pretty_print(LatexExpr(r"A^{-1} = "), A.inverse())
        assert A * A.inverse() == identity_matrix(F, 3)
    else:
        print(f"A is singular over GF({p}): rank {A.rank()}, kernel spanned by")
        pretty_print(A.right_kernel().basis_matrix())

    # How likely is a random 3x3 matrix over GF(p) to be invertible?
    q = F.order()
    exact = prod(q^3 - q^k for k in [0..2]) / q^9
    set_random_seed(2024)
    trials = 400
    hits = sum(1 for _ in range(trials) if random_matrix(F, 3).is_invertible())
    print(f"random 3x3 matrices over GF({p}): {hits}/{trials} invertible;"
          f" exactly |GL_3(F_{p})| / {p}^9 = {exact} ≈ {exact.n(digits=4)}")
