"""Message channels: SMTP e-mail, SMS over HTTP, and a file outbox for the demo."""
