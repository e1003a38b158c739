// Labels the language provides when a definition does not write its own, in fr and en.

/** The label `dont_know: true` stands for. */
export const DEFAULT_DONT_KNOW_LABEL: Readonly<Record<string, string>> = Object.freeze({ fr: 'Ne sais pas', en: "Don't know" });
