"""Pipeline components, one folder each (factory + implementation + data files)."""
