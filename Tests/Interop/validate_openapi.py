"""Fetch an OpenAPI document and validate it with openapi-spec-validator.

Usage: python validate_openapi.py URL
Exits 0 and prints "valid" when the document is a valid OpenAPI 3.1 description.
"""

import json
import sys
import urllib.request

from openapi_spec_validator import validate

with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
    document = json.load(response)
validate(document)
print(f"valid: OpenAPI {document['openapi']}, {len(document['paths'])} paths")
