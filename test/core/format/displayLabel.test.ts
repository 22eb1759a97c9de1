import { describe, expect, test } from 'vitest';
import { displayLabel, labelText, NULL_LABEL, EMPTY_LABEL } from '../../../src/core/format/displayLabel';

describe('displayLabel: values that differ never read the same', () => {
  test('NULL, the text NULL and the empty string are three different things', () => {
    expect(displayLabel(null)).toEqual({ text: NULL_LABEL, special: 'null' });
    expect(displayLabel(undefined).special).toBe('null');
    expect(displayLabel('NULL')).toEqual({ text: 'NULL', special: null });
    expect(displayLabel('')).toEqual({ text: EMPTY_LABEL, special: 'empty' });
    expect(new Set([labelText(null), labelText('NULL'), labelText('')]).size).toBe(3);
  });

  test('spaces and tabs at the ends show; inner single spaces stay', () => {
    expect(displayLabel('dent ')).toEqual({ text: 'dent␣', special: 'marked' });
    expect(displayLabel('  dent')).toEqual({ text: '␣␣dent', special: 'marked' });
    expect(displayLabel('\tok')).toEqual({ text: '⇥ok', special: 'marked' });
    expect(displayLabel('light scratch')).toEqual({ text: 'light scratch', special: null });
    expect(displayLabel(' ')).toEqual({ text: '␣', special: 'marked' });
    expect(labelText('dent')).not.toBe(labelText('dent '));
  });

  test('invisible and look-alike characters are named by code point wherever they are', () => {
    expect(labelText('dent\u200B')).toBe('dent⟨U+200B⟩');
    expect(labelText('de\u00A0nt')).toBe('de⟨U+00A0⟩nt');
    expect(labelText('\uFEFFcrack')).toBe('⟨U+FEFF⟩crack');
    expect(labelText('a\nb')).toBe('a⟨U+000A⟩b');
    expect(labelText('a\u0000b')).toBe('a⟨U+0000⟩b');
    expect(labelText('ok\u202E')).toBe('ok⟨U+202E⟩');
    expect(labelText('a\tb')).toBe('a⇥b');
    // Ordinary letters outside ASCII are text, not marks.
    expect(displayLabel('Crème')).toEqual({ text: 'Crème', special: null });
    expect(displayLabel('傷')).toEqual({ text: '傷', special: null });
  });

  test('numbers and booleans read as their text', () => {
    expect(labelText(3)).toBe('3');
    expect(labelText(false)).toBe('false');
  });
});
