"""The evaluation of TSI: did the collaboration help? Outcomes across closed cases, beside a matched comparison
group of pupils without a case (the panel the refresh writes, and the estimates the page publishes)."""
