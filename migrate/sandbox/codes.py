"""Error codes the sandbox puts in ``errors[].errorCode``.

Only a few wholesale codes are published (research/wholesale-api.md §4.4):
1001, 1002, 10022, 2560 and billing's 2024. The others are the sandbox's own,
kept in one table so that a real code, once known, is a one-line change.
"""

from __future__ import annotations

NULL_PARAMETER = 1001  # documented: a required parameter is missing
INVALID_PARAMETER_SIZE = 1002  # documented: a value is too long or too short
EMAIL_EXISTS = 10022  # documented: the email already belongs to a user
CALLING_MAINTENANCE = 2560  # documented: a package warning during provisioning
BILLING_REPORT_NOT_FOUND = 2024  # documented (billing errors use `code`)
MAC_IN_USE = 5675  # Webex Calling's answer for a MAC another organisation holds

# Sandbox-chosen codes (not published by Cisco).
INVALID_PARAMETER_VALUE = 1003
DUPLICATE_EXTERNAL_ID = 1010
CUSTOMER_NOT_PROVISIONED = 1011
ONE_PACKAGE_ONLY = 1012
NUMBER_OR_EXTENSION_REQUIRED = 1013
NUMBER_NOT_IN_LOCATION = 1014
NUMBER_IN_USE = 1015
EXTENSION_IN_USE = 1016
LOCATION_NOT_IN_ORG = 1017
NOT_FOUND = 1018
SUB_PARTNER_NOT_ALLOWED = 1019
DUPLICATE_NAME = 1020
BILLING_REPORT_EXISTS = 1021
ORG_NOT_FOUND = 1022
SCHEDULE_IN_USE = 1031  # an auto attendant still names the schedule
INVALID_TOKEN = 401
RATE_LIMITED = 429
SERVICE_UNAVAILABLE = 503
