from collections.abc import Iterator

import pytest

from tests.conftest import create_table
from tests.integration.catalog.support import TABLE
from tests.support.dynamodb import DynamoCalls, dynamodb_calls


@pytest.fixture
def requests(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoCalls]:
    monkeypatch.setenv("CATALOG_TABLE_NAME", create_table(TABLE, stream=True))
    with dynamodb_calls() as calls:
        yield calls
