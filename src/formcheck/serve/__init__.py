"""`formcheck serve`: a local web page to drop a clip on and read its report."""
