/**
 * The recording's video: one still frame per speaker turn, the speaker's name in white on a colour
 * of their own. Each frame is an H.264 (Constrained Baseline) IDR picture whose macroblocks are all
 * I_PCM, i.e. raw samples (ITU-T H.264 sections 7.3.5 and 8.3.5): no encoder is needed, every
 * browser and ffmpeg decode it, and the same name always gives the same bytes.
 */

export const FRAME_WIDTH = 256;
export const FRAME_HEIGHT = 32;
const MBS_WIDE = FRAME_WIDTH / 16;
const MBS_HIGH = FRAME_HEIGHT / 16;
const LEVEL = 30;

class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private count = 0;

  bit(b: number): void {
    this.current = (this.current << 1) | (b & 1);
    if (++this.count === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.count = 0;
    }
  }

  bits(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.bit((value >> i) & 1);
  }

  /** Exp-Golomb ue(v) (section 9.1). */
  ue(value: number): void {
    const v = value + 1;
    const len = Math.floor(Math.log2(v)) + 1;
    this.bits(0, len - 1);
    this.bits(v, len);
  }

  se(value: number): void {
    this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  get aligned(): boolean {
    return this.count === 0;
  }

  alignZero(): void {
    while (this.count !== 0) this.bit(0);
  }

  byte(b: number): void {
    this.bytes.push(b & 0xff);
  }

  /** rbsp_trailing_bits: a stop bit, then zeros to the byte boundary. */
  trailing(): Uint8Array {
    this.bit(1);
    this.alignZero();
    return Uint8Array.from(this.bytes);
  }
}

/** A NAL unit: its header byte and the payload with emulation prevention bytes (section 7.4.1). */
function nal(refIdc: number, type: number, rbsp: Uint8Array): Buffer {
  const out: number[] = [(refIdc << 5) | type];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

function sps(): Buffer {
  const w = new BitWriter();
  w.bits(66, 8); // profile_idc: Baseline
  w.bits(0b11000000, 8); // constraint_set0 and 1: Constrained Baseline
  w.bits(LEVEL, 8);
  w.ue(0); // seq_parameter_set_id
  w.ue(0); // log2_max_frame_num_minus4
  w.ue(2); // pic_order_cnt_type: output order is decode order
  w.ue(1); // max_num_ref_frames
  w.bit(0); // gaps_in_frame_num_value_allowed_flag
  w.ue(MBS_WIDE - 1);
  w.ue(MBS_HIGH - 1);
  w.bit(1); // frame_mbs_only_flag
  w.bit(1); // direct_8x8_inference_flag
  w.bit(0); // frame_cropping_flag
  w.bit(0); // vui_parameters_present_flag
  return nal(3, 7, w.trailing());
}

function pps(): Buffer {
  const w = new BitWriter();
  w.ue(0); // pic_parameter_set_id
  w.ue(0); // seq_parameter_set_id
  w.bit(0); // entropy_coding_mode_flag: CAVLC
  w.bit(0); // bottom_field_pic_order_in_frame_present_flag
  w.ue(0); // num_slice_groups_minus1
  w.ue(0); // num_ref_idx_l0_default_active_minus1
  w.ue(0); // num_ref_idx_l1_default_active_minus1
  w.bit(0); // weighted_pred_flag
  w.bits(0, 2); // weighted_bipred_idc
  w.se(0); // pic_init_qp_minus26
  w.se(0); // pic_init_qs_minus26
  w.se(0); // chroma_qp_index_offset
  w.bit(1); // deblocking_filter_control_present_flag
  w.bit(0); // constrained_intra_pred_flag
  w.bit(0); // redundant_pic_cnt_present_flag
  return nal(3, 8, w.trailing());
}

const SPS = sps();
const PPS = pps();

/** The avcC decoder configuration record (ISO/IEC 14496-15, 5.3.3.1) for the track's sample entry. */
export const AVC_DECODER_CONFIG: Uint8Array = Uint8Array.from([
  1,
  66,
  0b11000000,
  LEVEL,
  0xff, // 4-byte NAL lengths
  0xe1, // one SPS
  SPS.length >> 8,
  SPS.length & 0xff,
  ...SPS,
  1, // one PPS
  PPS.length >> 8,
  PPS.length & 0xff,
  ...PPS,
]);

/** The codec string of that configuration (RFC 6381): avc1.PPCCLL. */
export const AVC_CODEC = `avc1.42c0${LEVEL.toString(16).padStart(2, '0')}`;

/** A 3x5 pixel font, rows top to bottom, enough for names: letters, digits and a little punctuation. */
const FONT: Readonly<Record<string, string>> = {
  A: '010101111101101',
  B: '110101110101110',
  C: '011100100100011',
  D: '110101101101110',
  E: '111100110100111',
  F: '111100110100100',
  G: '011100101101011',
  H: '101101111101101',
  I: '111010010010111',
  J: '001001001101010',
  K: '101101110101101',
  L: '100100100100111',
  M: '101111111101101',
  N: '110101101101101',
  O: '010101101101010',
  P: '110101110100100',
  Q: '010101101110011',
  R: '110101110101101',
  S: '011100010001110',
  T: '111010010010010',
  U: '101101101101111',
  V: '101101101101010',
  W: '101101111111101',
  X: '101101010101101',
  Y: '101101010010010',
  Z: '111001010100111',
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '110001010100111',
  '3': '110001010001110',
  '4': '101101111001001',
  '5': '111100110001110',
  '6': '011100111101111',
  '7': '111001010010010',
  '8': '111101111101111',
  '9': '111101111001110',
  '-': '000000111000000',
  '.': '000000000000010',
  "'": '010010000000000',
  ' ': '000000000000000',
};
const UNKNOWN = '111101101101111';
const SCALE = 3;
const CELL = 4 * SCALE;
const MAX_CHARS = Math.floor((FRAME_WIDTH - 8) / CELL);

/** Background colours (Y, Cb, Cr), one per speaker in turn; all in video range so no PCM byte is 0. */
const PALETTE: readonly (readonly [number, number, number])[] = [
  [65, 170, 110], // blue
  [110, 100, 180], // red
  [120, 90, 80], // green
  [90, 160, 160], // purple
  [140, 70, 150], // orange
  [80, 130, 100], // teal
];

/** The name as the font can draw it: accents dropped, upper case, cut to the frame. */
function drawable(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .slice(0, MAX_CHARS);
}

/** The luma plane of a frame showing `name`: 235 where a glyph pixel is lit, `background` elsewhere. */
function lumaPlane(name: string, background: number): Uint8Array {
  const luma = new Uint8Array(FRAME_WIDTH * FRAME_HEIGHT).fill(background);
  const text = drawable(name);
  const left = Math.max(4, Math.floor((FRAME_WIDTH - text.length * CELL) / 2));
  const top = Math.floor((FRAME_HEIGHT - 5 * SCALE) / 2);
  [...text].forEach((ch, i) => {
    const glyph = FONT[ch] ?? UNKNOWN;
    for (let row = 0; row < 5; row++) {
      for (let col = 0; col < 3; col++) {
        if (glyph[row * 3 + col] !== '1') continue;
        for (let dy = 0; dy < SCALE; dy++) {
          for (let dx = 0; dx < SCALE; dx++) luma[(top + row * SCALE + dy) * FRAME_WIDTH + left + i * CELL + col * SCALE + dx] = 235;
        }
      }
    }
  });
  return luma;
}

/**
 * One access unit (4-byte length-prefixed NAL units, as the avcC says) showing `name` on the
 * colour of speaker `index`. Consecutive IDR pictures must differ in idr_pic_id (section 7.4.3),
 * so the caller alternates `idrPicId` between 0 and 1.
 */
export function speakerFrame(name: string, index: number, idrPicId: 0 | 1): Buffer {
  const [y, cb, cr] = PALETTE[index % PALETTE.length]!;
  const luma = lumaPlane(name, y);
  const w = new BitWriter();
  w.ue(0); // first_mb_in_slice
  w.ue(7); // slice_type: I, and every slice of the picture is I
  w.ue(0); // pic_parameter_set_id
  w.bits(0, 4); // frame_num
  w.ue(idrPicId);
  w.bit(0); // no_output_of_prior_pics_flag
  w.bit(0); // long_term_reference_flag
  w.se(0); // slice_qp_delta
  w.ue(1); // disable_deblocking_filter_idc: off, raw samples stay as drawn
  for (let mbY = 0; mbY < MBS_HIGH; mbY++) {
    for (let mbX = 0; mbX < MBS_WIDE; mbX++) {
      w.ue(25); // mb_type: I_PCM
      w.alignZero(); // pcm_alignment_zero_bit
      for (let row = 0; row < 16; row++) {
        for (let col = 0; col < 16; col++) w.byte(luma[(mbY * 16 + row) * FRAME_WIDTH + mbX * 16 + col]!);
      }
      for (let i = 0; i < 64; i++) w.byte(cb);
      for (let i = 0; i < 64; i++) w.byte(cr);
    }
  }
  const slice = nal(3, 5, w.trailing());
  const unit = Buffer.alloc(4 + slice.length);
  unit.writeUInt32BE(slice.length, 0);
  slice.copy(unit, 4);
  return unit;
}
