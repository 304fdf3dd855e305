"""Collaboration: the register and map of the municipality's collaboration groups for children, their written
agreements (överenskommelser), and later their meetings and child impact assessments. The register holds no child
data: every member of staff of the municipality reads it; coordinators keep it."""
