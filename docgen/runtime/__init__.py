"""Runtime support of the generated code (the same for every doc set)."""
