"""The documented settings of the measures: strength weights, window and horizons."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StrengthWeights(BaseModel):
    """Weights of the tie-strength composite (MEASURES.md, "Tie strength").

    strength = 100 * clamp(closeness*C + contact*F + support*S + reciprocity*R
    + duration*D - critical*K, 0, 1). The defaults sum to 1 over the positive
    components, so a tie rated at the top of every scale and known for five
    years or more scores 100.

    Examples
    --------
    >>> StrengthWeights().closeness
    0.3
    >>> StrengthWeights(critical=0.5).critical
    0.5
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    closeness: float = Field(0.30, ge=0, description="Weight of C = (closeness - 1) / 2.")
    contact: float = Field(0.20, ge=0, description="Weight of F = contact / 4.")
    support: float = Field(
        0.25, ge=0, description="Weight of S, the mean over the support types of (rating - 1) / 2.",
    )
    reciprocity: float = Field(
        0.10, ge=0, description="Weight of R: 1 for `both`, 0.5 for `to_child`, 0 for `from_child`."
    )
    duration: float = Field(
        0.15, ge=0, description="Weight of D = min(years known / full_years, 1)."
    )
    critical: float = Field(
        0.25, ge=0, description="Weight subtracted for K = (critical - 1) / 2."
    )


class MeasureSettings(BaseModel):
    """Every setting of the measures, with its default and meaning.

    Examples
    --------
    >>> s = MeasureSettings()
    >>> (s.window_days, s.clique_size, s.move_horizon_days, s.full_years)
    (365, 5, 90, 5.0)
    >>> from pydantic import ValidationError
    >>> try:
    ...     MeasureSettings(window_days=-1)
    ... except ValidationError as error:
    ...     print(error.errors()[0]["loc"])
    ('window_days',)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    weights: StrengthWeights = Field(
        default_factory=StrengthWeights, description="Weights of the tie-strength composite."
    )
    window_days: int = Field(
        365, ge=0, description="Continuity window w in days: measures run over (t - w, t]."
    )
    full_years: float = Field(
        5.0, gt=0, description="Years known at which the duration component D reaches 1."
    )
    clique_size: int = Field(
        5, ge=1, description="How many strongest ties `network_strength` averages.",
    )
    move_horizon_days: int = Field(
        90, ge=0, description="Days after a placement move at which `moves` looks again.",
    )


DEFAULT_SETTINGS = MeasureSettings()
