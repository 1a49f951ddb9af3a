# Taylor polynomials with Sage's own taylor(): type any function of x, then move the
# centre a and the degree n and watch T_n hug f near a (and wander off far from it).

@interact
def taylor_polynomials(f=input_box('sin(x) + cos(2*x)/2', type=str, label='$f(x) =$', width=30),
                       a=slider(-3, 3, 1/2, default=0, label='centre $a$'),
                       n=slider(0, 12, 1, default=3, label='degree $n$'),
                       remainder=checkbox(False, label='plot the remainder $f - T_n$')):
    f = SR(sage_eval(f, locals={'x': x}))  # the text typed (type=str), as an expression in x
    a, n = QQ(a), Integer(n)
    T = taylor(f, x, a, n)
    pretty_print(LatexExpr(r"T_{%s}(x) = " % n), T)

    # f's own graph decides the vertical window, so T_n can leave it without squashing f.
    graph = plot(f, (x, a - 4, a + 4), color='black', thickness=2, legend_label='$f$')
    window = graph.get_minmax_data()
    pad = (window['ymax'] - window['ymin']) / 2 + 1/2
    picture = graph + plot(T, (x, a - 4, a + 4), color='red', legend_label='$T_{%s}$' % n)
    picture += point((a, f(x=a)), color='red', size=50, zorder=5)
    show(picture, ymin=window['ymin'] - pad, ymax=window['ymax'] + pad, figsize=[7, 4])

    if remainder:
        # The remainder vanishes to order n + 1 at a: flat there, large far away (clipped).
        show(plot(f - T, (x, a - 4, a + 4), color='purple', fill=True, legend_label='$f - T_{%s}$' % n),
             ymin=-pad, ymax=pad, figsize=[7, 2.5])
