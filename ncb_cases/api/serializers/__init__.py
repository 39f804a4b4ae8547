"""Input and output shapes of the case API, one module per part of a case."""
