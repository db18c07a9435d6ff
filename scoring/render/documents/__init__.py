"""Word documents: the 自评报告 and the statutory annual report, typeset to GB/T 9704."""
