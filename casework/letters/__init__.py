"""Letters: templates rendered, numbered and archived when moves require them."""
