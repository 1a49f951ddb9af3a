# The graphs on offer: a name for the selector, and a function of n giving the graph.
# Add your own here, e.g. 'star S_n': graphs.StarGraph, or 'n-prism': graphs.CircularLadderGraph.

families = {
    'cycle C_n': graphs.CycleGraph,
    'wheel W_n': graphs.WheelGraph,
    'complete K_n': graphs.CompleteGraph,
    'complete bipartite K_(n,n)': lambda n: graphs.CompleteBipartiteGraph(n, n),
    'grid 3 x n': lambda n: graphs.Grid2dGraph(3, n),
    'Petersen (n unused)': lambda n: graphs.PetersenGraph(),
    'random, edge probability 1/3': lambda n: graphs.RandomGNP(n, 1/3, seed=n),
}
