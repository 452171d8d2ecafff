"""The currencies the shop takes, with the minor units an amount of each counts in.

Source: ISO 4217 List One as published by SIX on 2026-01-01 (the maintenance agency's
`list-one.xml`). Taken: every entry that is the legal tender of a country or territory. Left
out: the fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI), the units of account (UYW,
XAD, XSU, XUA, XDR, the bond market units), the metals (XAU, XAG, XPD, XPT), XTS (testing)
and XXX (no currency). The X-codes of circulating currencies (XAF, XCD, XCG, XOF, XPF) stay:
thirty countries pay in them. A code that leaves List One leaves this table.
"""

from __future__ import annotations


def _table(**codes_by_exponent: str) -> dict[str, int]:
    return {
        code: int(exponent.removeprefix("e"))
        for exponent, codes in codes_by_exponent.items()
        for code in codes.split()
    }


MINOR_UNITS: dict[str, int] = _table(
    e0="""
        BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF
    """,
    e2="""
        AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BRL BSD BTN BWP BYN
        BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
        GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD
        KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN
        NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG
        SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH
        USD UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG
    """,
    e3="""
        BHD IQD JOD KWD LYD OMR TND
    """,
)

ACCEPTED_CURRENCIES: tuple[str, ...] = tuple(sorted(MINOR_UNITS))
