# Left, midpoint and right Riemann sums of f over [a, b], next to the exact integral that
# Sage finds symbolically: watch the error shrink like 1/n (midpoint: like 1/n^2).

f(x) = x*sin(x) + 2
F = integral(f(x), x)  # an antiderivative, shown once
pretty_print(LatexExpr(r"\int f(x)\,dx = "), F)

@interact
def riemann_sums(interval=range_slider(0, 10, 1/2, default=(1, 7), label='$[a, b]$'),
                 n=slider(1, 40, 1, default=6, label='rectangles $n$'),
                 rule=selector(['left', 'midpoint', 'right'], default='midpoint', buttons=True,
                               label='height taken at')):
    a, b = QQ(interval[0]), QQ(interval[1])
    n = Integer(n)
    if a == b:
        print("The interval is a single point: pull the two ends apart.")
        return
    h = (b - a) / n
    shift = {'left': 0, 'midpoint': 1/2, 'right': 1}[rule]
    heights = [f(a + (k + shift)*h) for k in [0..n-1]]
    riemann = h * sum(heights)
    exact = integral(f(x), x, a, b)

    bars = sum(polygon([(a + k*h, 0), (a + k*h, y), (a + (k+1)*h, y), (a + (k+1)*h, 0)],
                       color='orange', alpha=0.5, edgecolor='darkorange')
               for k, y in enumerate(heights))
    curve = plot(f, (x, a - 1/2, b + 1/2), color='black', thickness=2)
    show(bars + curve, figsize=[7, 4], aspect_ratio='automatic', axes_labels=['$x$', '$y$'])

    print(f"{rule} sum with n = {n}:  {riemann.n(digits=10)}")
    print(f"exact integral:       {exact.n(digits=10)}   (= {exact})")
    print(f"error:                {(riemann - exact).n(digits=3)}")
