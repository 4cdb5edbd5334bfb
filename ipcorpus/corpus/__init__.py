"""The corpus run: options, walking and taking files, the analysis of each article,
the worker pools, learning recurring furniture and finding reposts."""
