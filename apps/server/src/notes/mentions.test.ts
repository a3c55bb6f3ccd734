import { describe, expect, it } from 'vitest';
import { findMentions } from './mentions.js';

const members = [
  { userId: 'ada', displayName: 'Ada' },
  { userId: 'ada-l', displayName: 'Ada Lovelace' },
  { userId: 'zoe', displayName: 'Zoë K.' },
  { userId: 'bob', displayName: 'Bob' },
];

describe('mentions in note bodies', () => {
  it('finds whole display names after @, case-insensitively, including unicode and punctuation', () => {
    expect(findMentions('@ada can you check? cc @ZOË K.', members).sort()).toEqual(['ada', 'zoe']);
  });

  it('prefers the longest overlapping name and still finds the shorter one elsewhere', () => {
    expect(findMentions('@Ada Lovelace, vocal up', members)).toEqual(['ada-l']);
    expect(findMentions('@Ada Lovelace and @Ada', members).sort()).toEqual(['ada', 'ada-l']);
  });

  it('ignores e-mail addresses, partial words and unknown names', () => {
    expect(findMentions('mail bob@example.com or @Bobby or @@Bob or @Carol', members)).toEqual([]);
  });
});
