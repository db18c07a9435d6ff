"""What a scheme and an evidence file are: value types, every declared key and rule parameter, the rule
kinds, how a fact's statements combine.
"""
