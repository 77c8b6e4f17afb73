/*
 * An empty ICU common-data library, put in the Linux bundle in place of PySide6's 31 MB
 * libicudata.so.NN (the same idea as ICU's own source/stubdata). libQt6Core links ICU, but a
 * widgets app that reads UTF-8 and shows English uses almost none of its data: case mapping
 * and time zones work without it; QCollator falls back to code-point order (with a warning
 * "Could not create collator") and legacy 8-bit/CJK codecs are unavailable. Measured and
 * tested: packaging/README.md, "ICU".
 *
 * Built by packaging/mmguide.spec: cc -shared -fPIC -Wl,-soname,libicudata.so.NN
 *   -DICU_ENTRY=icudtNN_dat (NN = the ICU major version of the PySide6 wheel).
 * MMGUIDE_ICU=full keeps the real data.
 */
#include <stdint.h>

#ifndef ICU_ENTRY
#error "define ICU_ENTRY, e.g. -DICU_ENTRY=icudt73_dat"
#endif

struct icu_data_header {
    uint16_t header_size;
    uint8_t magic1, magic2;
    struct {
        uint16_t size, reserved_word;
        uint8_t is_big_endian, charset_family, sizeof_uchar, reserved_byte;
        uint8_t data_format[4], format_version[4], data_version[4];
    } info;
    char padding[8];
    uint32_t count, reserved;
    uint32_t toc[4];
};

__attribute__((visibility("default"), aligned(16)))
const struct icu_data_header ICU_ENTRY = {
    32, 0xda, 0x27,                                 /* header size, magic */
    {20, 0, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__, /* UDataInfo: size, -, endianness */
     0, 2, 0,                                       /* ASCII family, sizeof(UChar), - */
     {0x54, 0x6f, 0x43, 0x50},                      /* "ToCP": a table of contents */
     {1, 0, 0, 0}, {0, 0, 0, 0}},
    {0}, 0, 0, {0, 0, 0, 0}                         /* no entries */
};
