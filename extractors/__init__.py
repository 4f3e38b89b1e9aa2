"""Figure extraction from canonical documents: number grammar, figure rules, context."""
