"""Indicator computations over the registry and reach (T2, T3, T4)."""
