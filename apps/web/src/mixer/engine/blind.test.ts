import { describe, expect, it } from 'vitest';
import { blindText, hasNumbers } from './blind';

describe('blindText', () => {
  it('spells out numbers in names and drops dB', () => {
    expect(blindText('Verse 2')).toBe('Verse two');
    expect(blindText('Gtr 12 DI')).toBe('Gtr twelve DI');
    expect(blindText('Vox 45')).toBe('Vox forty-five');
    expect(blindText('Take 007')).toBe('Take zero zero seven');
    expect(blindText('Rhythm gtr +3 dB in Chorus 1')).toBe('Rhythm gtr up in Chorus one');
    expect(blindText('Vox -2.5 dB')).toBe('Vox down');
    expect(blindText('Bass 1.5 dB')).toBe('Bass one point five');
    for (const s of ['Verse 2', 'mix v10', 'Bass 1.5 dB']) expect(hasNumbers(blindText(s))).toBe(false);
  });
});
