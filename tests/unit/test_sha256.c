/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "suites.h"

static void
check_hex(const void *data, size_t len, const char *want)
{
	uint8_t d[WARD_SHA256_LEN];
	char hex[WARD_SHA256_HEX_LEN];

	ward_sha256(data, len, d);
	ward_sha256_hex(d, hex);
	ck_assert_str_eq(hex, want);
}

/* FIPS 180-4 / NIST CSRC example vectors. */
START_TEST(nist_vectors)
{
	static const char m448[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char m896[] =
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	check_hex("", 0,
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_hex("abc", 3,
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_hex(m448, strlen(m448),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_hex(m896, strlen(m896),
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

START_TEST(million_a_in_odd_pieces)
{
	static const char want[] =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	char chunk[997], hex[WARD_SHA256_HEX_LEN];
	uint8_t d[WARD_SHA256_LEN];
	struct ward_sha256 c;
	size_t left = 1000000;

	memset(chunk, 'a', sizeof(chunk));
	ward_sha256_init(&c);
	/* 997 is prime: pieces straddle every block-boundary offset. */
	while (left > 0) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);

		ward_sha256_update(&c, chunk, n);
		left -= n;
	}
	ward_sha256_final(&c, d);
	ward_sha256_hex(d, hex);
	ck_assert_str_eq(hex, want);
}
END_TEST

/* Lengths around the padding edge (55/56/63/64 bytes) agree byte-by-byte. */
START_TEST(incremental_equals_oneshot)
{
	unsigned char buf[200];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	for (size_t len = 0; len <= sizeof(buf); len++) {
		uint8_t a[WARD_SHA256_LEN], b[WARD_SHA256_LEN];
		struct ward_sha256 c;

		ward_sha256(buf, len, a);
		ward_sha256_init(&c);
		for (size_t i = 0; i < len; i++)
			ward_sha256_update(&c, buf + i, 1);
		ward_sha256_update(&c, NULL, 0);
		ward_sha256_final(&c, b);
		ck_assert_msg(memcmp(a, b, sizeof(a)) == 0, "length %zu", len);
	}
}
END_TEST

/* 55 bytes fit one padded block, 56 need two: known digests for both. */
START_TEST(padding_boundary)
{
	char m[64];

	memset(m, 'a', sizeof(m));
	check_hex(m, 55,
		  "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	check_hex(m, 56,
		  "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	check_hex(m, 64,
		  "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
END_TEST

Suite *
suite_sha256(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("sha256");

	tcase_add_test(tc, nist_vectors);
	tcase_add_test(tc, million_a_in_odd_pieces);
	tcase_add_test(tc, incremental_equals_oneshot);
	tcase_add_test(tc, padding_boundary);
	suite_add_tcase(s, tc);
	return s;
}
