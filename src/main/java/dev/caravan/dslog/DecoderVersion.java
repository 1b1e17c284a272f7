package dev.caravan.dslog;

/**
 * The version of what the decoder outputs. Derived files carry it in their name, so a decoder fix
 * (a new version here) can re-derive everything without touching the raw files.
 */
public final class DecoderVersion {
  public static final String VERSION = "1";

  private DecoderVersion() {}
}
