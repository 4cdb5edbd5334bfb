"""`ipcorpus check`: the CI gate over articles."""
