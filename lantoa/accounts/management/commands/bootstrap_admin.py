from django.core.management.base import BaseCommand

from lantoa.accounts.services import bootstrap_admin


class Command(BaseCommand):
    help = "Create the first administrator with a one-time password when no account exists yet."

    def handle(self, *args, **options):
        password = bootstrap_admin()
        if password is None:
            self.stdout.write("Accounts already exist; nothing created.")
            return
        line = "=" * 64
        self.stdout.write(
            self.style.WARNING(
                f"\n{line}\n Tài khoản quản trị đầu tiên / first administrator account\n"
                f"   tên đăng nhập / username: admin\n   mật khẩu một lần / one-time password: {password}\n"
                f" Đổi mật khẩu ngay khi đăng nhập lần đầu (bắt buộc).\n{line}\n"
            )
        )
