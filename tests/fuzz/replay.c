/* Runs a libFuzzer harness without libFuzzer: over the files named, or a few built-in inputs. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs that reach each early exit and the descriptor loop of an EDID parser. */
static void run_builtin(void)
{
	static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
	uint8_t block[256];
	memset(block, 0, sizeof(block));
	LLVMFuzzerTestOneInput(block, 0);
	LLVMFuzzerTestOneInput(block, 127);
	LLVMFuzzerTestOneInput(block, 128);
	memcpy(block, header, sizeof(header));
	block[18] = 1;
	for (int slot = 0; slot < 4; slot++) {
		block[54 + 18 * slot + 3] = slot % 2 ? 0xfc : 0xff;
		memset(block + 54 + 18 * slot + 5, 'A' + slot, 13);
	}
	uint8_t sum = 0;
	for (int i = 0; i < 127; i++)
		sum = (uint8_t)(sum + block[i]);
	block[127] = (uint8_t)(0x100 - sum);
	LLVMFuzzerTestOneInput(block, 128);
	LLVMFuzzerTestOneInput(block, 129);
	LLVMFuzzerTestOneInput(block, 256);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		run_builtin();
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		FILE *file = fopen(argv[i], "rb");
		if (!file) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		static uint8_t data[1 << 16];
		size_t size = fread(data, 1, sizeof(data), file);
		fclose(file);
		LLVMFuzzerTestOneInput(data, size);
	}
	return 0;
}
