// Nadav Amit's RFCv2 1/2 as a whole: write lock for protect, and preserve the write bit on
// unprotect.
import "fixes/uffd-wp-protect-write-lock.mmk";
import "fixes/uffd-wp-preserve-write.mmk";
