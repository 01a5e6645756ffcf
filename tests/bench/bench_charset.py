"""Charset decoding speed: makes 10 MB texts in each charset with Python's
codecs (the lines of bounce notices in their languages, written for this
benchmark, drawn at random so that no short pattern repeats for the branch
predictor to learn) and prints bench_charset's MB/s of input as a table.

usage: bench_charset.py BENCH_CHARSET OUTDIR
       (meson test -C BUILDDIR --benchmark --verbose charsets)
"""

import os
import random
import subprocess
import sys

SIZE = 10_000_000

ENGLISH = ("This is the mail system at host mx.example.com. I'm sorry to have to inform you that your "
           "message could not be delivered to one or more recipients.\n"
           "<user@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 <user@example.org>: "
           "Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)\n")
FRENCH = ("Votre message n'a pas pu être délivré à l'adresse indiquée. Le destinataire est inconnu, ou sa "
          "boîte aux lettres est pleine ; réessayez plus tard ou écrivez à l'administrateur du système. "
          "Réponse du serveur distant : « 550 5.1.1 Adresse électronique introuvable ».\n")
JAPANESE = ("このメールはシステムから自動的に送信されています。以下の宛先へのメール配送に失敗しました。"
            "宛先のメールアドレスが存在しないか、受信者のメールボックスの容量が上限に達しています。\n"
            "宛先: user@example.jp\n理由: 550 5.1.1 ユーザーが見つかりません。\n")
CHINESE = ("您发送的邮件未能送达以下收件人。收件人地址不存在，或者收件人的邮箱已满，请检查地址后重新发送。\n"
           "收件人: user@example.cn\n原因: 550 5.1.1 用户不存在\n")
TAIWANESE = "您寄出的郵件無法送達下列收件人。收件人地址不存在，或者收件人的信箱已滿，請確認後重新寄送。\n原因: 550 5.1.1\n"
KOREAN = ("보내신 메일이 다음 수신자에게 전달되지 못했습니다. 받는 사람의 주소가 존재하지 않거나 메일함이 "
          "가득 찼습니다.\n수신자: user@example.kr\n사유: 550 5.1.1 사용자를 찾을 수 없습니다\n")
RUSSIAN = ("Ваше сообщение не может быть доставлено. Адрес получателя не существует или почтовый ящик "
           "переполнен.\nПолучатель: user@example.ru\nПричина: 550 5.1.1 пользователь не найден\n")

# (label, Python codec, text, what the row says)
TEXTS = [
    ("us-ascii", "ascii", ENGLISH, "English (ASCII)"),
    ("utf-8", "utf-8", FRENCH, "French"),
    ("iso-8859-1", "latin-1", FRENCH, "French"),
    ("koi8-r", "koi8_r", RUSSIAN, "Russian"),
    ("utf-8", "utf-8", JAPANESE, "Japanese"),
    ("shift_jis", "cp932", JAPANESE, "Japanese"),
    ("iso-2022-jp", "iso2022_jp", JAPANESE, "Japanese"),
    ("euc-jp", "euc_jp", JAPANESE, "Japanese"),
    ("gb2312", "gb2312", CHINESE, "Chinese"),
    ("big5", "big5", TAIWANESE, "Chinese (traditional)"),
    ("euc-kr", "euc_kr", KOREAN, "Korean"),
]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.rsplit("usage: ", 1)[1])
    program, outdir = sys.argv[1], sys.argv[2]
    args = []
    for label, codec, text, _ in TEXTS:
        path = os.path.join(outdir, f"charset-{label}-{codec}.txt")
        if not os.path.exists(path):
            rng = random.Random(13)
            lines = [line.encode(codec) + b"\n" for sentence in text.split("\n") if sentence
                     for line in sentence.replace("。", "。\n").replace(". ", ".\n").split("\n") if line]
            out, size = [], 0
            while size < SIZE:
                out.append(rng.choice(lines))
                size += len(out[-1])
            with open(path + ".tmp", "wb") as f:
                f.write(b"".join(out))
            os.replace(path + ".tmp", path)
        args += [label, path]
    out = subprocess.run([program] + args, capture_output=True, text=True, check=True).stdout
    print("| charset | text | ASCII characters | UTF-8 bytes out a byte in | MB/s of input |")
    print("|---|---|---|---|---|")
    for (label, codec, text, what), line in zip(TEXTS, out.splitlines()):
        name, path, size, utf8, mbs = line.split("\t")
        ascii_share = sum(ch < "\x80" for ch in text) / len(text)
        print(f"| {name} | {what} | {ascii_share:.0%} | {int(utf8) / int(size):.2f} | {mbs} |")


if __name__ == "__main__":
    main()
