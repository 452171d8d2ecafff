"""The floor: no domain module below 90 % once its listed equivalents are set aside.

The slow test runs `make mutation`'s driver over the kernel and the payments, catalog and cart
domains (money, charges, stock and the cart: about three minutes here); the weekly workflow
(.github/workflows/mutation.yml) runs every area. The other tests hold the driver's own rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from shop_tools import mutation
from shop_tools.mutation import ModuleScore, function_of, load_equivalents, mutated_lines


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_money_charge_stock_and_cart_modules_hold_the_floor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    areas = ["kernel", "payments", "catalog", "cart"]
    status = mutation.main([arg for area in areas for arg in ("--area", area)] + ["--work", str(tmp_path)])
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "src/shop/kernel/money.py" in printed
    assert "src/shop/payments/domain/payment.py" in printed
    assert "src/shop/catalog/domain/product.py" in printed


def test_a_module_under_the_floor_is_reported_below_it(capsys: pytest.CaptureFixture[str]) -> None:
    held = ModuleScore("src/shop/kernel/money.py", mutants=10, killed=9)
    fallen = ModuleScore("src/shop/kernel/clock.py", mutants=10, killed=8, equivalent=1)  # 8 of 9
    assert mutation.report([held, fallen], 90.0) == [fallen]
    assert "88.9%  < floor" in capsys.readouterr().out


def test_equivalents_leave_the_score_and_a_module_without_mutants_scores_full() -> None:
    assert ModuleScore("m.py", mutants=10, killed=9, equivalent=1).score == 100.0
    assert ModuleScore("m.py").score == 100.0


def test_a_mutant_is_named_by_its_function_and_its_mutated_lines() -> None:
    assert function_of("shop.kernel.money.xǁMoneyǁ_checked__mutmut_5") == "shop.kernel.money Money._checked"
    assert function_of("shop.kernel.clock.x_rfc3339__mutmut_12") == "shop.kernel.clock rfc3339"
    diff = "--- a.py\n+++ a.py\n@@ -1,2 +1,2 @@\n-    x = 1\n+    x = 2\n+    y = 3\n     z = 4"
    assert mutated_lines(diff) == "x = 2 / y = 3"


def test_every_listed_equivalent_names_a_function_a_mutation_and_why() -> None:
    listed = load_equivalents()
    assert listed
    for equivalent in listed:
        module, _, function = equivalent.function.partition(" ")
        assert module.startswith("shop."), equivalent
        assert function, equivalent
        assert equivalent.mutated, equivalent
        assert len(equivalent.why) > 20, equivalent
    assert len({(e.function, e.mutated) for e in listed}) == len(listed), "listed once"
