/* data_imdb.h: IMDb reviews (Maas et al. 2011) from the project's TSV files, the paper's
 * tokenizer, a frequency-ranked vocabulary, fixed-length encoding, and a GloVe reader.
 *
 * File format (shared/datasets/imdb/SOURCE.txt): one review per line,
 *     label <TAB> rating <TAB> id <TAB> text
 * label 0 = negative, 1 = positive; rating 1..10; id >= 0. The text may itself contain TABs
 * (27 reviews do), so a line is split on its first three TABs only.
 *
 * Tokenizer, PAPER.md §2.1 (Python: text.lower(), re.sub(r"[^a-z0-9\s]", "", ...), .split()):
 *   1. every "<br />" (any case) becomes a space, so "end.<br />Next" gives "end", "next";
 *      this step is not in the paper's list: without it the tag leaves "br" glued to words;
 *   2. lowercase; 3. delete every character outside [a-z0-9] and whitespace;
 *   4. split on runs of whitespace.
 * Bytes are UTF-8. To match Python's str semantics, Unicode whitespace (U+0085, U+00A0,
 * U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) separates words, and the two
 * code points whose lowercase is ASCII (U+0130 -> "i", U+212A Kelvin -> "k") keep it; every
 * other non-ASCII character is deleted.
 *
 * Vocabulary: id 0 = PAD, id 1 = UNK, then the max_words most frequent tokens of the texts
 * given (the caller passes the training texts only), ordered by count descending and, for
 * equal counts, by byte-wise word order ascending, so the vocabulary is a pure function of
 * the multiset of training texts.
 *
 * Not here: the 90/10 train/val split (seeded, done by the task) and the random vectors for
 * words missing from GloVe (the caller draws them from its rng).
 */
#ifndef ALRNN_DATA_IMDB_H
#define ALRNN_DATA_IMDB_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define IMDB_SPLIT_REVIEWS 25000 /* reviews in each of train.tsv and test.tsv (aclImdb v1) */
#define IMDB_PAD 0
#define IMDB_UNK 1
#define IMDB_PAD_WORD "<pad>" /* the tokenizer never yields '<', so these cannot collide */
#define IMDB_UNK_WORD "<unk>"

struct imdb_split {
    size_t n;        /* reviews */
    uint8_t *label;  /* (n) 0 = negative, 1 = positive */
    uint8_t *rating; /* (n) stars 1..10 */
    int32_t *id;     /* (n) original review id */
    char **text;     /* (n) raw review bytes, NUL-terminated, "<br />" still in */
};

/* Read a TSV file; dies naming file:line on a malformed line. */
void imdb_read_tsv(struct imdb_split *s, const char *path);
void imdb_split_free(struct imdb_split *s);

struct imdb_tokens {
    size_t n;   /* tokens */
    char **tok; /* (n) NUL-terminated tokens pointing into buf */
    char *buf;  /* the normalised text */
};

void imdb_tokenize(struct imdb_tokens *t, const char *text);
void imdb_tokens_free(struct imdb_tokens *t);

struct imdb_vocab {
    size_t n;       /* entries including PAD and UNK (<= max_words + 2) */
    char **word;    /* (n) id -> word; word[0] = IMDB_PAD_WORD, word[1] = IMDB_UNK_WORD */
    int64_t *count; /* (n) occurrences in the texts it was built from; 0 for PAD and UNK */
    size_t cap;     /* hash slots, a power of two */
    int32_t *slot;  /* (cap) word -> id lookup by open addressing; -1 = empty */
};

/* PAD, UNK and the max_words most frequent tokens of texts[0..n_texts). */
void imdb_vocab_build(struct imdb_vocab *v, const char *const *texts, size_t n_texts,
                      size_t max_words);
int32_t imdb_vocab_id(const struct imdb_vocab *v, const char *word); /* IMDB_UNK if absent */
void imdb_vocab_free(struct imdb_vocab *v);

/* Tokenize `text` into ids (L): the first L tokens, then IMDB_PAD up to L (padding at the
 * end, PAPER.md §2.1). Returns the number of tokens the text had before truncation. */
size_t imdb_encode(const struct imdb_vocab *v, const char *text, int32_t *ids, size_t L);

/* GloVe text format: per line a word, then d numbers, separated by single spaces. Fills row
 * id of emb (v->n, d) for every vocabulary word found and sets found[id] = 1; other rows are
 * left untouched (the caller draws them, PAPER.md §2.1). Dies naming file:line when a line
 * of a vocabulary word (or the first line) does not hold exactly d numbers. Returns the
 * number of vocabulary entries found. Lines of words outside the vocabulary are skipped
 * unparsed (the 6B file has 400k lines; the vocabulary needs 20k). */
size_t glove_read(const char *path, const struct imdb_vocab *v, int d, real *emb, uint8_t *found);

#endif
