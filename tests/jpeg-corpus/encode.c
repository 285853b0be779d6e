/* Minimal libjpeg encoder for the JPEG corpus: every knob the corpus needs, which cjpeg and Pillow do not all expose
 * (4:4:0 sampling, YCCK, arithmetic coding, restart intervals). Reads a binary PPM (P6) or PGM (P5) on stdin, writes
 * the JPEG on stdout. Built and run by generate.py only; the committed corpus does not need it.
 *   encode COLORSPACE QUALITY HxV[,HxV...] [progressive] [arithmetic] [restart=N] [optimize]
 *   COLORSPACE: ycc | gray | rgb | cmyk | ycck (cmyk/ycck take the PPM as RGB and store naive C=255-R, M=255-G,
 *   Y=255-B, K=0 except where the three are all high; written Adobe-inverted like Photoshop does)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

static int read_header(int *width, int *height, int *channels) {
  char magic[3] = {0};
  int maxval;
  if (scanf("%2s %d %d %d", magic, width, height, &maxval) != 4 || maxval != 255) return 0;
  getchar(); /* the single whitespace byte after maxval */
  if (strcmp(magic, "P6") == 0) *channels = 3;
  else if (strcmp(magic, "P5") == 0) *channels = 1;
  else return 0;
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: encode COLORSPACE QUALITY HxV[,HxV...] [options]\n"); return 2; }
  int width, height, channels;
  if (!read_header(&width, &height, &channels)) { fprintf(stderr, "bad PNM\n"); return 2; }
  size_t size = (size_t)width * height * channels;
  unsigned char *pixels = malloc(size);
  if (fread(pixels, 1, size, stdin) != size) { fprintf(stderr, "short PNM\n"); return 2; }

  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  jpeg_stdio_dest(&c, stdout);
  c.image_width = width;
  c.image_height = height;

  const char *space = argv[1];
  int cmyk = strcmp(space, "cmyk") == 0 || strcmp(space, "ycck") == 0;
  c.input_components = cmyk ? 4 : channels;
  c.in_color_space = cmyk ? JCS_CMYK : channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&c);
  if (strcmp(space, "ycc") == 0) jpeg_set_colorspace(&c, JCS_YCbCr);
  else if (strcmp(space, "gray") == 0) jpeg_set_colorspace(&c, JCS_GRAYSCALE);
  else if (strcmp(space, "rgb") == 0) jpeg_set_colorspace(&c, JCS_RGB);
  else if (strcmp(space, "cmyk") == 0) jpeg_set_colorspace(&c, JCS_CMYK);
  else if (strcmp(space, "ycck") == 0) jpeg_set_colorspace(&c, JCS_YCCK);
  else { fprintf(stderr, "unknown colorspace %s\n", space); return 2; }
  jpeg_set_quality(&c, atoi(argv[2]), TRUE);

  /* Sampling factors, one HxV per component in order; components not named keep 1x1. */
  char *factors = strdup(argv[3]);
  int index = 0;
  for (char *item = strtok(factors, ","); item && index < c.num_components; item = strtok(NULL, ","), index++) {
    int h, v;
    if (sscanf(item, "%dx%d", &h, &v) != 2) { fprintf(stderr, "bad sampling %s\n", item); return 2; }
    c.comp_info[index].h_samp_factor = h;
    c.comp_info[index].v_samp_factor = v;
  }
  for (; index < c.num_components; index++) c.comp_info[index].h_samp_factor = c.comp_info[index].v_samp_factor = 1;

  for (int i = 4; i < argc; i++) {
    if (strcmp(argv[i], "progressive") == 0) jpeg_simple_progression(&c);
    else if (strcmp(argv[i], "arithmetic") == 0) c.arith_code = TRUE;
    else if (strcmp(argv[i], "optimize") == 0) c.optimize_coding = TRUE;
    else if (strncmp(argv[i], "restart=", 8) == 0) c.restart_interval = atoi(argv[i] + 8);
    else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
  }
  if (cmyk) c.write_Adobe_marker = TRUE;

  jpeg_start_compress(&c, TRUE);
  unsigned char *row = malloc((size_t)width * c.input_components);
  while (c.next_scanline < c.image_height) {
    const unsigned char *in = pixels + (size_t)c.next_scanline * width * channels;
    if (cmyk) {
      for (int x = 0; x < width; x++) {
        int r = in[3 * x], g = in[3 * x + 1], b = in[3 * x + 2];
        int k = 255 - (r > g ? (r > b ? r : b) : (g > b ? g : b)); /* K = 1 - max(R,G,B) */
        unsigned char *out = row + 4 * x;
        /* Adobe (inverted) convention: 255 means no ink. */
        out[0] = (unsigned char)(r + k > 255 ? 255 : r + k);
        out[1] = (unsigned char)(g + k > 255 ? 255 : g + k);
        out[2] = (unsigned char)(b + k > 255 ? 255 : b + k);
        out[3] = (unsigned char)(255 - k);
      }
    } else {
      memcpy(row, in, (size_t)width * channels);
    }
    JSAMPROW rows[1] = {row};
    jpeg_write_scanlines(&c, rows, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  return 0;
}
