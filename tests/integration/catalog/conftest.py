import pytest

from tests.conftest import create_table
from tests.integration.catalog.support import TABLE, DynamoRequests


@pytest.fixture
def requests(aws: None, monkeypatch: pytest.MonkeyPatch) -> DynamoRequests:
    monkeypatch.setenv("CATALOG_TABLE_NAME", create_table(TABLE, stream=True))
    return DynamoRequests()
