// Hartman's ecomap conventions as drawing rules: sectors, rings, line styles, arrows, legend.

export const CATEGORIES = ["family", "carer", "friend", "community", "volunteer", "professional"];

export const CATEGORY_LABELS = {
  family: "Family", carer: "Carers", friend: "Friends",
  community: "Community", volunteer: "Volunteers", professional: "Professionals",
};

// Light fills (text on them stays dark); the sector label, not the colour, names the group.
export const CATEGORY_FILLS = {
  family: "#fde2c8", carer: "#d6ecd2", friend: "#d4e6f6",
  community: "#f3dcef", volunteer: "#fff1b8", professional: "#e3e3e3",
};

export const RING_LABELS = { 1: "very close", 2: "sort of close", 3: "not very close", 4: "not rated yet" };
// Each ring is a band [inner, outer] people are placed within; the drawn circle is its outer edge.
export const RING_BANDS = { 1: [82, 165], 2: [178, 252], 3: [266, 322], 4: [336, 346] };

export const LINE_LABELS = {
  strong: "strong", normal: "normal", tenuous: "tenuous", stressful: "stressful",
  unrated: "not rated", ended: "ended",
};

const INK = "#1a1a1a";

/** Stroke attributes for each line kind: width and dashes carry the meaning, not colour alone. */
export const LINE_STYLES = {
  strong: { stroke: INK, "stroke-width": 7 },
  normal: { stroke: INK, "stroke-width": 2.5 },
  tenuous: { stroke: INK, "stroke-width": 2.5, "stroke-dasharray": "10 7" },
  stressful: { stroke: "#a0001c", "stroke-width": 2.5 },
  unrated: { stroke: "#595959", "stroke-width": 2, "stroke-dasharray": "2 6", "stroke-linecap": "round" },
  ended: { stroke: "#595959", "stroke-width": 2.5, "stroke-dasharray": "4 5" },
};

export const DIFF_STYLES = {
  gained: { colour: "#00734f", label: "new since" },
  lost: { colour: "#b34700", label: "gone since" },
  changed: { colour: "#6a3d9a", label: "changed since" },
};

export const COMPONENT_LABELS = {
  C: "Closeness", F: "Contact", S: "Support", R: "Reciprocity", D: "Duration", K: "Criticism",
};
