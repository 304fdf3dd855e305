"""The staff side of the family pages (in the staff catalogue: Swedish and English)."""
