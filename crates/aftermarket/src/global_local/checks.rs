//! Checks of the paper's lemmas and conditions, and deviation searches.
