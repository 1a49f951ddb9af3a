# Factor any integer you can type, with the arithmetic functions that come from its
# factorization. The default is Fermat's F_5 = 2^32 + 1, which Euler factored in 1732.

@interact
def explore(n=input_box('2^(2^5) + 1', type=str, label='$n =$', width=40),
            list_divisors=checkbox(True, label='list the divisors (when there are at most 48)')):
    n = Integer(sage_eval(n))  # the text typed (type=str): 2^64 - 1, factorial(20) + 1, fibonacci(100), ...
    if n < 2:
        print("Type an integer n ≥ 2.")
        return
    if n.nbits() > 180:
        print(f"n has {n.ndigits()} digits: too large to factor in a few seconds here.")
        return
    F = factor(n)
    pretty_print(LatexExpr(latex(n) + " = "), F)
    print("prime" if n.is_prime() else f"{len(F)} distinct prime factors, {sum(e for _, e in F)} with multiplicity")
    # Multiplicative functions, read off the exponents: d(n) = prod(e + 1), ...
    print(f"d(n) = {number_of_divisors(n)} divisors;  sigma(n) = {sigma(n)};  phi(n) = {euler_phi(n)}")
    excess = sigma(n) - 2*n
    print("perfect" if excess == 0 else ("abundant" if excess > 0 else "deficient"),
          f"(sigma(n) - 2n = {excess})")
    if list_divisors and number_of_divisors(n) <= 48:
        print("divisors:", divisors(n))
