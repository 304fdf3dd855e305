"""The social investment: what the TSI teams cost, by year and who pays, beside the costs the evaluation suggests
were avoided (as a range), and the report for the politicians."""
