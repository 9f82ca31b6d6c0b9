/**
 * @module
 * An 8-bit RGB image, row-major, 3 bytes per pixel: the one pixel format the vision tasks use.
 */

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, R G B per pixel. */
  data: Uint8Array;
}
