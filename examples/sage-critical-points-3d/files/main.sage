# Critical points of a function of two variables: solve grad f = 0 symbolically, classify
# each point with the Hessian, and look at them on the surface (drag to turn it).

var('y')
f(x, y) = x^3 - 3*x + y^3 - 3*y

gradient = f.gradient()
hessian = f.hessian()
pretty_print(LatexExpr(r"\nabla f = "), gradient(x, y))

points = []
for s in solve(list(gradient(x, y)), x, y, solution_dict=True):
    a, b = s[x], s[y]
    H = hessian(a, b)
    if H.det() < 0:
        kind, colour = 'saddle', 'orange'
    elif H[0, 0] > 0:
        kind, colour = 'minimum', 'blue'
    else:
        kind, colour = 'maximum', 'red'
    print(f"({a}, {b}): f = {f(a, b)}, det Hess = {H.det()} -> {kind}")
    points.append(((a, b, f(a, b)), colour))

surface = plot3d(f, (x, -2.2, 2.2), (y, -2.2, 2.2), plot_points=40, color='lightgray', opacity=0.85)
markers = sum(point3d(p, size=18, color=c) for p, c in points)
show(surface + markers, aspect_ratio=[1, 1, 0.3], frame=True)
