"""The organisation admin (`/organisation/`): organisations, units, staff and their roles, schools' contact persons.

Only for users with Permission.DIRECTORY_MANAGE (administrators and coordinators), always within their own
municipality; everyone else, and every object of another municipality, gets 404.
"""
