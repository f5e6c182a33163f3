"""One renderer per output format; each takes a Relazione and returns the file's bytes."""
