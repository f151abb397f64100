"""The prompt library: /prompts, the composer's "/" picker, {{variables}}, system prompts, JSON import/export."""
